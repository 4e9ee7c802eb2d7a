import { getTranslations } from "next-intl/server";
import { requireSession } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";

export default async function EmbeddedLayout({ children }: { children: React.ReactNode }) {
  const session = await requireSession();
  const t = await getTranslations("app");
  return (
    <div className="mx-auto max-w-5xl p-4 sm:p-6">
      <header className="mb-6 flex items-center justify-between border-b border-slate-200 pb-3">
        <div className="flex items-center gap-2">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src="/icons/ledgerlink.svg" alt="" width={28} height={28} />
          <span className="text-lg font-semibold">{t("name")}</span>
        </div>
        <span className="text-sm text-slate-500" data-testid="tenant-name">
          {session.tenantName}
        </span>
      </header>
      {children}
    </div>
  );
}
