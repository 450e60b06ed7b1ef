// A call that must answer in time: a dependency that takes a request and never answers (a Redis or
// PostgreSQL behind a dropped connection) must not hold its caller. Shared by the API's readiness
// checks (src/api/routes/health.ts) and the kept token holder results (src/activities/holders.ts).

/** Settles within `ms`: the dependency's answer, or a rejection saying `what` did not answer in time. */
export function withinDeadline<T>(ms: number, what: string, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  const call = fn();
  call.catch(() => undefined); // settles after the deadline: nobody waits for it any more
  return Promise.race([call, late]).finally(() => clearTimeout(timer));
}
