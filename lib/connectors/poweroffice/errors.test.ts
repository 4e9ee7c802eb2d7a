import { describe, expect, it } from "vitest";
import { makeRedactor } from "@/lib/http/errors";
import { PowerOfficeNetworkError, PowerOfficeRateLimitError, PowerOfficeServerError, readProblem } from "./errors";

const ctx = { method: "POST", path: "/Customers" };

describe("readProblem", () => {
  it("reads ProblemDetails as the spec spells it, with ASP.NET's field errors", () => {
    const body = JSON.stringify({
      Type: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
      Title: "One or more validation errors occurred.",
      Status: 400,
      Detail: "Number: must be in the customer series.",
      Instance: "/v2/Customers",
      Errors: { Number: ["must be in the customer series."], "SalesOrderLines[0].Quantity": "is required." },
    });
    expect(readProblem(body)).toEqual({
      detail: "Number: must be in the customer series.",
      title: "One or more validation errors occurred.",
      type: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
      instance: "/v2/Customers",
      errors: { Number: ["must be in the customer series."], "SalesOrderLines[0].Quantity": ["is required."] },
    });
  });

  it("reads the camelCase spelling, and the field errors when Detail is missing", () => {
    expect(readProblem('{"title":"Conflict","status":409,"detail":"The customer has invoices."}')).toMatchObject({ detail: "The customer has invoices.", title: "Conflict" });
    expect(readProblem('{"title":"Bad","status":"400","errors":{"Name":["is required."]}}')).toMatchObject({ detail: "Name: is required.", errors: { Name: ["is required."] } });
  });

  it("reads API Management's and the token endpoint's bodies", () => {
    expect(readProblem('{"statusCode":"429","message":"Rate limit is exceeded. Try again in 1 seconds."}')?.detail).toBe("Rate limit is exceeded. Try again in 1 seconds.");
    expect(readProblem('{"error":"invalid_client","error_description":"The client key is not valid."}')).toMatchObject({
      detail: "The client key is not valid.",
      title: "invalid_client",
    });
  });

  it("reads a body that is no JSON by its text (an HTML page by its title), and an empty one as nothing", () => {
    expect(readProblem("<html><head><title>502 Bad Gateway</title></head><body><h1>oops</h1></body></html>")?.detail).toBe("502 Bad Gateway");
    expect(readProblem("Service Unavailable\n")?.detail).toBe("Service Unavailable");
    expect(readProblem("[1,2]")?.detail).toBe("[1,2]");
    expect(readProblem("  ")).toBeNull();
  });

  it("hides secrets before reading, and clips a long text", () => {
    const redact = makeRedactor(["sandbox-client-key-nordlys-interior"]);
    expect(readProblem('{"Detail":"unknown key sandbox-client-key-nordlys-interior"}', redact)?.detail).toBe("unknown key ***");
    expect(readProblem("x".repeat(2_000))?.detail).toHaveLength(501);
  });
});

describe("log messages", () => {
  it("name the connector's catalogue key and the vendor's detail", () => {
    const problem = readProblem('{"statusCode":"429","message":"Rate limit is exceeded."}');
    expect(new PowerOfficeRateLimitError(problem, ctx, 1_000).logMessage).toEqual({
      key: "connectors.poweroffice.log.rateLimited",
      params: { detail: "Rate limit is exceeded." },
    });
    expect(new PowerOfficeServerError(502, null, ctx, false).logMessage).toEqual({
      key: "connectors.poweroffice.log.server",
      params: { detail: "POST /Customers answered 502" },
    });
    const lost = new PowerOfficeNetworkError(ctx, { cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), timedOut: false, mayHaveSucceeded: true });
    expect(lost.logMessage).toEqual({ key: "connectors.poweroffice.log.noAnswerAfterWrite", params: { detail: "read ECONNRESET" } });
    expect(lost.message).toMatch(/may have been applied/);
  });
});
