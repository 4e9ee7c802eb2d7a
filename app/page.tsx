import { getTranslations } from "next-intl/server";

/** Opened outside the CRM: say what this is and where to find it. */
export default async function Home() {
  const t = await getTranslations();
  return (
    <main className="mx-auto max-w-xl p-10">
      <h1 className="text-2xl font-semibold">{t("app.name")}</h1>
      <p className="mt-2 text-slate-600">{t("app.tagline")}</p>
      <p className="mt-6">{t("auth.missing")}</p>
    </main>
  );
}
