// OData functions of the sandbox host CRM: GetCurrentEmployee() (FACTS second pass §1: "tells you
// who the token belongs to").

import { notFound } from "../errors";
import { SETS } from "../schema";
import type { HostState } from "../state";
import type { Tenant, User } from "../store";
import type { QueryOptions } from "./query";

export const CURRENT_EMPLOYEE = "GetCurrentEmployee()";
const EMPLOYEE_SET = "Relationship_Person_Contact_Employee";

/**
 * The user a token acts for: the one who consented (authorization code flow). A client-credentials
 * token has no user of its own (settled here): it acts for the user who activated the app in the
 * organization, or the organization's first user.
 */
function tokenUser(tenant: Tenant, consentingUserId: string | undefined): User | undefined {
  if (consentingUserId) return tenant.users.find((u) => u.id === consentingUserId);
  const installer = [...tenant.installations.values()][0]?.userId;
  return tenant.users.find((u) => u.id === installer) ?? tenant.users[0];
}

/** `GET /v1/odata/GetCurrentEmployee()`: the employee relationship whose EmailAddress is the user's. */
export function currentEmployee(state: HostState, tenant: Tenant, userId: string | undefined, o: QueryOptions, ctxBase: string): Record<string, unknown> {
  const def = SETS.get(EMPLOYEE_SET)!;
  state.query.validateShape([def], o);
  const email = tokenUser(tenant, userId)?.email?.toLowerCase();
  const employee = email
    ? [...state.store.table(tenant, EMPLOYEE_SET).rows.values()].find((r) => String(r.f.EmailAddress ?? "").toLowerCase() === email)
    : undefined;
  if (!employee) throw notFound("No employee of this organization belongs to this token");
  return { "@odata.context": `${ctxBase}#${EMPLOYEE_SET}/$entity`, ...state.query.serialize(tenant, employee, o) };
}
