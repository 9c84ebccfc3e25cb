// Shared by the child scripts: true when `promise` settles within `ms`, false otherwise. The timer keeps the process
// alive meanwhile (so a hang is reported, not mistaken for a clean exit) and is cleared as soon as the race is over.
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
