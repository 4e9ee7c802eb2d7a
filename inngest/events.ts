import { eventType } from "inngest";
import { z } from "zod";
import { documentKinds, hostChangeKinds, kebabKind, recordKinds, type DocumentKind, type RecordKind } from "@/lib/model";

/** Something changed in a tenant's CRM (one verified webhook): sorted in batches per tenant. */
export const hostChanged = eventType("ledgerlink/host.changed", {
  schema: z.object({
    tenantId: z.string(),
    entity: z.enum(hostChangeKinds),
    entityType: z.string(),
    entityId: z.string(),
    mutation: z.enum(["created", "updated", "deleted"]).nullable(),
    changedFields: z.array(z.string()).nullable().optional(),
    /** the delivery it came in, closed once sorted */
    delivery: z.string(),
    /** times it was put back to wait for a page writing to the host */
    waited: z.number().int().optional(),
    /** installations whose own write it was found to be on receipt */
    echoOf: z.array(z.string()).optional(),
  }),
});

/** A host record to push or book, once sorting found it is a real change; `waited` counts the times it waited for a page. */
const recordChange = z.object({ installationId: z.string(), connector: z.string(), hostId: z.string(), waited: z.number().int().optional() });

/** Per record kind: `ledgerlink/relation.changed`, pushed to the package. */
export const recordChanged = Object.fromEntries(
  recordKinds.map((kind) => [kind, eventType(`ledgerlink/${kebabKind(kind)}.changed`, { schema: recordChange })]),
) as Record<RecordKind, ReturnType<typeof eventType<string, typeof recordChange>>>;
/** Per document kind: `ledgerlink/invoice.phase-changed`, booked in the package. */
export const documentPhaseChanged = Object.fromEntries(
  documentKinds.map((kind) => [kind, eventType(`ledgerlink/${kebabKind(kind)}.phase-changed`, { schema: recordChange })]),
) as Record<DocumentKind, ReturnType<typeof eventType<string, typeof recordChange>>>;

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
    /** where the import stood when this page was asked for: a page overtaken by another run of it does nothing */
    position: z.string().optional(),
  }),
});

/** The user asked to retry one failed record from the sync log. */
export const recordRetry = eventType("ledgerlink/record.retry", {
  schema: z.object({ installationId: z.string(), connector: z.string(), syncEventId: z.number() }),
});

/** One installation's scheduled pull is due: the schedule sends one per installation. */
export const pullDue = eventType("ledgerlink/pull.due", {
  schema: z.object({ installationId: z.string(), connector: z.string(), pull: z.string() }),
});

/** The user asked for a pull now instead of waiting for the schedule. */
export const pullRequested = eventType("ledgerlink/pull.requested", {
  schema: z.object({ installationId: z.string(), connector: z.string() }),
});
