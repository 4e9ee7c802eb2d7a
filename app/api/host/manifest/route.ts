import { config } from "@/lib/config";
import { publishedManifest } from "@/lib/manifest";

export const dynamic = "force-dynamic";

export function GET() {
  const c = config();
  return Response.json(publishedManifest(c.LEDGERLINK_APP_URL, c.HOST_ALLOWED_ORIGINS));
}
