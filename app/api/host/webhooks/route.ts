import { getDb } from "@/lib/db";
import { config } from "@/lib/config";
import { receiveHostWebhook } from "@/lib/host/receive-webhook";
import { inngest } from "@/inngest/client";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  const raw = await request.text();
  const c = config();
  const result = await receiveHostWebhook(await getDb(), raw, request.headers, {
    secret: c.HOST_WEBHOOK_SECRET,
    signatureHeader: c.HOST_WEBHOOK_SIGNATURE_HEADER,
    deliveryHeader: c.HOST_WEBHOOK_DELIVERY_HEADER || null,
    send: (events) => inngest.send(events),
  });
  return Response.json(result.body, { status: result.status });
}
