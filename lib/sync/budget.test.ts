import { describe, expect, it } from "vitest";
import { budgetFor } from "./budget";
import type { RateLimit } from "./types";

const perAccount: RateLimit = { limit: 600, period: "1m", per: "account" };
const perDeployment: RateLimit = { ...perAccount, per: "deployment" };
const who = (account: string) => ({ deployment: ["https://api.test", "subscription-SECRET"], account: ["https://api.test", account] });

describe("budgetFor: one budget for what the vendor counts together", () => {
  it("per account: each account its own budget, the same one for the same account", () => {
    const a = budgetFor("vendor", perAccount, who("key-A-SECRET"));
    expect(budgetFor("vendor", perAccount, who("key-A-SECRET"))).toBe(a);
    expect(budgetFor("vendor", perAccount, who("key-B-SECRET")).key).not.toBe(a.key);
  });

  it("per deployment: every account in one budget", () => {
    expect(budgetFor("vendor", perDeployment, who("key-A-SECRET"))).toBe(budgetFor("vendor", perDeployment, who("key-B-SECRET")));
  });

  it("names the side and what it counts, and no secret", () => {
    const { key } = budgetFor("vendor", perAccount, who("key-A-SECRET"));
    expect(key).toMatch(/^vendor:account:[\w-]{32}$/);
    expect(key).not.toContain("SECRET");
    expect(budgetFor("other", perAccount, who("key-A-SECRET")).key).not.toBe(key);
  });
});
