import { NextResponse } from "next/server";

/**
 * Only the configured host origins may frame the app. Read per request, so the same build
 * serves every deployment.
 */
export function proxy() {
  const origins = (process.env.HOST_ALLOWED_ORIGINS ?? "http://localhost:4010")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => /^https?:\/\/[^\s;'"]+$/.test(s));
  const response = NextResponse.next();
  response.headers.set("Content-Security-Policy", `frame-ancestors 'self' ${origins.join(" ")}`);
  return response;
}

export const config = { matcher: "/:path*" };
