import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requireSession } from "@/lib/auth/guard";
import { getConnector } from "@/lib/connectors";
import { ConnectForm } from "@/components/connect-form";

export default async function ConnectPage({ params }: { params: Promise<{ connector: string }> }) {
  await requireSession();
  const connector = getConnector((await params).connector);
  if (!connector) notFound();
  const t = await getTranslations();
  return (
    <main className="max-w-lg space-y-4 rounded-xl border border-slate-200 bg-white p-6">
      <h1 className="text-xl font-semibold">{t("connect.title", { connector: connector.name })}</h1>
      <p className="text-sm text-slate-600">{t(`connectors.${connector.id}.intro` as "app.name")}</p>
      <ConnectForm connectorId={connector.id} connectorName={connector.name} fields={connector.credentials.fields} />
    </main>
  );
}
