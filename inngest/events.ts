import { eventType } from "inngest";
import { z } from "zod";

/** A host record changed (from a verified webhook). */
const hostChange = z.object({
  tenantId: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  deliveryId: z.string(),
});

export const relationChanged = eventType("ledgerlink/relation.changed", { schema: hostChange });
export const productChanged = eventType("ledgerlink/product.changed", { schema: hostChange });
export const invoicePhaseChanged = eventType("ledgerlink/invoice.phase-changed", { schema: hostChange });
export const salesOrderPhaseChanged = eventType("ledgerlink/sales-order.phase-changed", { schema: hostChange });

const installationRef = z.object({ installationId: z.string(), connector: z.string() });

export const installationActivated = eventType("ledgerlink/installation.activated", { schema: installationRef });
export const installationDeactivated = eventType("ledgerlink/installation.deactivated", { schema: installationRef });

/** One page of a resumable import; the function sends itself the next cursor. */
export const importPage = eventType("ledgerlink/import.page", {
  schema: z.object({
    installationId: z.string(),
    connector: z.string(),
    runId: z.string(),
    entity: z.string(),
  }),
});

/** The user asked to retry one failed record from the sync log. */
export const recordRetry = eventType("ledgerlink/record.retry", {
  schema: z.object({ installationId: z.string(), connector: z.string(), syncEventId: z.number() }),
});

/** The user asked for a pull now instead of waiting for the schedule. */
export const pullRequested = eventType("ledgerlink/pull.requested", {
  schema: z.object({ installationId: z.string(), connector: z.string() }),
});
