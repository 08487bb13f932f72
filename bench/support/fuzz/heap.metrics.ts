// Where the box office's memory is, as it reports it on /metrics (prom-client's
// default metrics): the V8 heap in use, and memory outside it (Buffers, strings
// of native modules). RSS alone cannot say which of the two grew.

/** "heap 120 MB used of 160 MB, external 12 MB", or why it could not be read. */
export async function heapLine(baseUrl: string): Promise<string> {
  try {
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    const mb = (name: string) => {
      const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
      return value === undefined ? '?' : `${(Number(value) / 1024 / 1024).toFixed(0)} MB`;
    };
    return `heap ${mb('nodejs_heap_size_used_bytes')} used of ${mb('nodejs_heap_size_total_bytes')}, external ${mb('nodejs_external_memory_bytes')}`;
  } catch (err) {
    return `heap not read (${(err as Error).message})`;
  }
}
