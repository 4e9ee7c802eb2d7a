import { getTranslations } from "next-intl/server";

export default async function Unauthorized() {
  const t = await getTranslations("auth");
  return (
    <main className="grid min-h-[90vh] place-items-center p-6">
      <div role="alert" data-reason="session" className="max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="mb-2 text-xl font-semibold">{t("title")}</h1>
        <p>{t("session")}</p>
      </div>
    </main>
  );
}
