/** Runs once when the server starts: migrate the database, and in development start the job runner. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getDbHandle } = await import("@/lib/db");
  await getDbHandle();
  const { inProcessMode } = await import("@/inngest/runner/transport");
  if (inProcessMode()) {
    const { startInProcessRunner } = await import("@/inngest/runner");
    const { functions } = await import("@/inngest/functions");
    startInProcessRunner(functions);
  }
}
