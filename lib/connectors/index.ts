import type { Connector } from "@/lib/sync/types";
import { poweroffice } from "./poweroffice";
import { snelstart } from "./snelstart";

/**
 * Every connector the app offers, one folder each. Adding a package adds its folder and its
 * import here; the Marketplace listings, the catalogue, the functions and the pages follow.
 */
const registry = { snelstart, poweroffice };

export const connectors = registry as unknown as Record<string, Connector<unknown, unknown>>;
export type ConnectorId = keyof typeof registry;
export const connectorIds = Object.keys(registry) as [ConnectorId, ...ConnectorId[]];

export function getConnector(id: string): Connector<unknown, unknown> | null {
  return Object.hasOwn(connectors, id) ? connectors[id] : null;
}
