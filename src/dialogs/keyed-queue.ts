/**
 * Runs work for one key at a time, in arrival order, while different keys run concurrently
 * (one conversation's turns must not overlap; other conversations must not wait). A failure
 * does not block the work queued behind it. Keys are forgotten when their queue drains.
 */
export function createKeyedQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return function run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const prev = tails.get(key) ?? Promise.resolve();
    const next = prev.then(work, work);
    const tail = next.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return next;
  };
}
