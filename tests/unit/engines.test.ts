import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string } };
const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as { packages: Record<string, { engines?: { node?: string } | string[] }> };

describe("the Node version package.json promises", () => {
  it("runs every package the lock installs: npm install warns of no engine", () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== "")
      .flatMap(([path, p]) => {
        const wants = !Array.isArray(p.engines) ? p.engines?.node : undefined;
        return wants && !semver.satisfies(oldest, wants) ? [`${path.replace(/^.*node_modules\//, "")} needs Node ${wants}`] : [];
      });
    expect(refusing, `package.json promises Node ${pkg.engines.node}`).toEqual([]);
  });
});
