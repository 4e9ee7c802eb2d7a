/**
 * Test hooks under /__admin (no authentication; the simulator binds to
 * 127.0.0.1). See README.md for the list.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { Ctx } from "./dto";
import { FaultConfigSchema } from "./faults";
import { generate, GenerateSchema } from "./generate";
import { mediaType, redirect, sendBytes, sendJson } from "../../shared/http";
import { Refusal } from "./problem";
import { invoiceOut, registerPayment, sendSalesOrder } from "./sales";
import { ClientSeedSchema, SeedError, type SeedFile } from "./seed";
import { ConflictError, SettingsSchema, type SimulatorState } from "./simulator";
import type { Client } from "./store";
import { UI_ROOT } from "../../shared/ui-layout";
import { handleUi } from "./ui";

const PaymentSchema = z.object({ Amount: z.number().positive().optional() }).strict();
const SendSchema = z.object({ VoucherDate: z.iso.date().optional() }).strict();

export async function handleAdmin(state: SimulatorState, req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Promise<void> {
  const method = req.method ?? "GET";
  const path = url.pathname.replace(/\/+$/, "") || "/__admin";
  const route = `${method} ${path.replace(/\/[0-9a-f]{8}-[0-9a-f-]{27}/gi, "/{id}").replace(/\/\d+(?=\/|$)/g, "/{id}")}`;
  const json = (status: number, b: unknown) => {
    state.record(route, status);
    sendJson(res, status, b);
  };

  if (path === "/__admin" && method === "GET") {
    state.record(route, 303);
    return redirect(res, UI_ROOT);
  }
  if (path === UI_ROOT || path.startsWith(`${UI_ROOT}/`)) {
    const status = handleUi(state, req, res, url, raw);
    state.record(route, status);
    return;
  }

  let body: unknown;
  if (raw.length > 0) {
    if (mediaType(req) !== "application/json") return json(415, { message: "Send JSON (Content-Type: application/json)." });
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch (e) {
      return json(400, { message: `Invalid JSON: ${(e as Error).message}` });
    }
  }
  const parse = <T>(schema: z.ZodType<T>): T | undefined => {
    const r = schema.safeParse(body ?? {});
    if (r.success) return r.data;
    json(400, { message: z.prettifyError(r.error) });
    return undefined;
  };
  const clientParam = url.searchParams.get("client");

  try {
    if (path === "/__admin/faults") {
      if (method === "GET") return json(200, state.faults.config);
      if (method === "POST") {
        const f = parse(FaultConfigSchema);
        return f && json(200, state.setFaults(f));
      }
    }
    if (path === "/__admin/config") {
      if (method === "GET") return json(200, state.settings);
      if (method === "POST") {
        const s = parse(SettingsSchema);
        return s && json(200, state.setSettings(s));
      }
    }
    if (path === "/__admin/reset" && method === "POST") {
      const empty = body === undefined || (typeof body === "object" && body !== null && Object.keys(body).length === 0);
      state.reset(empty ? undefined : (body as SeedFile));
      return json(200, { clients: [...state.clients.values()].map((c) => c.summary()) });
    }
    if (path === "/__admin/state" && method === "GET") {
      if (clientParam) {
        const client = state.find(clientParam);
        return client ? json(200, client.dump()) : json(404, { message: `No client '${clientParam}'.` });
      }
      return json(200, { clients: [...state.clients.values()].map((c) => c.dump()) });
    }
    if (path === "/__admin/stats" && method === "GET") return json(200, state.stats);
    if (path === "/__admin/stats/reset" && method === "POST") {
      state.resetStats();
      return json(200, state.stats);
    }
    if (path === "/__admin/clients") {
      if (method === "GET")
        return json(200, {
          applicationKey: state.applicationKey,
          applicationName: state.applicationName,
          subscriptionKeys: state.subscriptionKeys,
          clients: [...state.clients.values()].map((c) => c.summary()),
        });
      if (method === "POST") {
        const seed = parse(ClientSeedSchema);
        return seed && json(201, state.addClient(seed).summary());
      }
    }

    const payment = /^\/__admin\/outgoing-invoices\/([^/]+)\/payments$/.exec(path);
    if (payment && method === "POST") {
      const p = parse(PaymentSchema);
      if (!p) return;
      const ctx = ctxOwning(state, (c) => c.invoices.has(payment[1]!.toLowerCase()));
      if (!ctx) return json(404, { message: `No outgoing invoice ${payment[1]}.` });
      return json(200, invoiceOut(registerPayment(ctx, payment[1]!, p.Amount), state.applicationKey));
    }
    const send = /^\/__admin\/sales-orders\/([^/]+)\/send$/.exec(path);
    if (send && method === "POST") {
      const s = parse(SendSchema);
      if (!s) return;
      const ctx = ctxOwning(state, (c) => c.salesOrders.has(send[1]!.toLowerCase()));
      if (!ctx) return json(404, { message: `No sales order ${send[1]}.` });
      return json(200, invoiceOut(sendSalesOrder(ctx, send[1]!, s.VoucherDate), state.applicationKey));
    }
    const attachment = /^\/__admin\/attachments\/(\d+)$/.exec(path);
    if (attachment && method === "GET") {
      for (const c of state.clients.values()) {
        const a = c.attachments.get(Number(attachment[1]));
        if (!a) continue;
        state.record(route, 200);
        return sendBytes(res, 200, a.data, a.contentType, String(a.dto.FileName));
      }
      return json(404, { message: `No attachment ${attachment[1]}.` });
    }
    if (path === "/__admin/generate" && method === "POST") {
      const g = parse(GenerateSchema);
      if (!g) return;
      const client = state.find(g.client);
      if (!client) return json(404, { message: `No client '${g.client}'.` });
      return json(200, await generate(state.spec, state.settings, client, g));
    }
    return json(404, { message: `Unknown admin route ${method} ${path}.` });
  } catch (e) {
    if (e instanceof Refusal) return json(e.status, { message: e.message, reasons: e.reasons });
    if (e instanceof SeedError) return json(400, { message: e.message });
    if (e instanceof ConflictError) return json(409, { message: e.message });
    throw e;
  }
}

/** The domain context of the client holding a record (record ids are unique across clients). */
function ctxOwning(state: SimulatorState, holds: (c: Client) => boolean): Ctx | undefined {
  for (const client of state.clients.values())
    if (holds(client)) return { client, spec: state.spec, settings: state.settings };
  return undefined;
}
