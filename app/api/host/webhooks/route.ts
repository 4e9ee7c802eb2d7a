import { getDb } from "@/lib/db";
import { config } from "@/lib/config";
import { receiveHostWebhook } from "@/lib/host/receive-webhook";
import { inngest } from "@/inngest/client";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  const raw = await request.text();
  const result = await receiveHostWebhook(await getDb(), raw, request.headers, {
    secret: config().HOST_WEBHOOK_SECRET,
    send: (events) => inngest.send(events),
  });
  return Response.json(result.body, { status: result.status });
}
