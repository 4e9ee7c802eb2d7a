import { connectors } from "@/lib/connectors";
import { documentFunctions } from "./documents";
import { hostChangeFunction } from "./host-changes";
import { importFunctions } from "./import";
import { pullFunctions } from "./pull";
import { pushFunctions } from "./push";
import { retryFunction } from "./retry";

/** Every function, derived from each connector's declaration: a new connector needs no code here. */
export const functions = Object.values(connectors).flatMap((connector) => [
  ...importFunctions(connector),
  hostChangeFunction(connector),
  ...pushFunctions(connector),
  ...documentFunctions(connector),
  ...pullFunctions(connector),
  retryFunction(connector),
]);
