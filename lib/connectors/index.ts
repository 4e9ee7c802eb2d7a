import type { Connector } from "@/lib/sync/types";
import { snelstart } from "./snelstart";

/** Every connector the app offers; adding a package adds a folder and a line here. */
export const connectors = { snelstart } as unknown as Record<string, Connector<unknown, unknown>>;
export const connectorIds = ["snelstart"] as const;
export type ConnectorId = (typeof connectorIds)[number];

export function getConnector(id: string): Connector<unknown, unknown> | null {
  return Object.hasOwn(connectors, id) ? connectors[id] : null;
}
