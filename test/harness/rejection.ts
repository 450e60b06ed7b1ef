// What a promise that must fail failed with.

/** The error `p` rejected with; an Error saying so when it resolved, for the caller's check on the error to fail. */
export function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => new Error('resolved: it was expected to fail'),
    (err: unknown) => err,
  );
}
