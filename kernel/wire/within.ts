/**
 * Waits for `promise` at most `ms` milliseconds: `{ value }` if it settles in
 * time, `undefined` once the time is up; a rejection passes through. The timer
 * is cleared as soon as either side wins, because a pending one keeps the
 * process alive (a finished run would linger for the whole grace period).
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise.then((value) => ({ value })), timeUp]);
  } finally {
    clearTimeout(timer);
  }
}
