/** Where the e2e servers listen (see playwright.config.ts). */
export const appUrl = "http://127.0.0.1:3100";
export const hostUrl = "http://localhost:4110";
export const snelstartUrl = "http://127.0.0.1:4120";
export const powerofficeUrl = "http://127.0.0.1:4130";

export async function resetSandboxes() {
  for (const url of [`${hostUrl}/__admin/reset`, `${snelstartUrl}/__admin/reset`, `${powerofficeUrl}/__admin/reset`]) {
    const res = await fetch(url, { method: "POST" });
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
  }
}

export async function hostToken(params: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${hostUrl}/__admin/token?${new URLSearchParams(params)}`);
  return ((await res.json()) as { token: string }).token;
}
