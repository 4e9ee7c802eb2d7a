export class HttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = "BadRequest") => new HttpError(400, code, message);
export const notFound = (message: string) => new HttpError(404, "NotFound", message);
