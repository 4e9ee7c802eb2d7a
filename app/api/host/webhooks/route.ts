import { getDb } from "@/lib/db";
import { config } from "@/lib/config";
import { webhookReceiver, type WebhookReceiver } from "@/lib/host/receive-webhook";
import { inngest } from "@/inngest/client";

export const dynamic = "force-dynamic";

// one receiver per process: deliveries that arrive together are recorded and handed on together
let receive: WebhookReceiver | null = null;

export async function POST(request: Request) {
  const raw = await request.text();
  const c = config();
  receive ??= webhookReceiver(await getDb(), {
    secret: c.HOST_WEBHOOK_SECRET,
    signatureHeader: c.HOST_WEBHOOK_SIGNATURE_HEADER,
    deliveryHeader: c.HOST_WEBHOOK_DELIVERY_HEADER || null,
    send: (events) => inngest.send(events),
  });
  const result = await receive(raw, request.headers);
  return Response.json(result.body, { status: result.status });
}
