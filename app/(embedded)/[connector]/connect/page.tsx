import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requireSession } from "@/lib/auth/guard";
import { getConnector } from "@/lib/connectors";
import { getDb } from "@/lib/db";
import { beginHostConsent, hostSignIn, liveHostConnection } from "@/lib/host";
import { ConnectForm } from "@/components/connect-form";
import { HostConsent } from "@/components/host-consent";

export default async function ConnectPage({ params }: { params: Promise<{ connector: string }> }) {
  const session = await requireSession();
  const connector = getConnector((await params).connector);
  if (!connector) notFound();
  const t = await getTranslations();
  const db = await getDb();
  // with Tribe's marketplace flow the organisation first gives Ledgerlink access to its CRM (again,
  // when the CRM no longer accepts the access given before)
  const consent = hostSignIn() === "authorization_code";
  const connection = consent ? await liveHostConnection(db, session.tenantId) : null;
  return (
    <main className="max-w-lg space-y-4 rounded-xl border border-slate-200 bg-white p-6">
      <h1 className="text-xl font-semibold">{t("connect.title", { connector: connector.name })}</h1>
      {consent && !connection ? (
        <HostConsent consentUrl={await beginHostConsent(db, session.tenantId, session.locale)} />
      ) : (
        <>
          {connection ? (
            <p role="status" data-testid="host-connected" className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-800">
              {t("connect.host.connected", { who: connection.connectedBy ?? "—" })}
            </p>
          ) : null}
          <p className="text-sm text-slate-600">{t(`connectors.${connector.id}.intro` as "app.name")}</p>
          <ConnectForm connectorId={connector.id} connectorName={connector.name} fields={connector.credentials.fields} />
        </>
      )}
    </main>
  );
}
