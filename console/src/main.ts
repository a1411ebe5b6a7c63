// Placeholder shell until the console issue: shows that the server is up and how many resources it offers.
const statusLine = document.querySelector<HTMLParagraphElement>('#status');

async function check(): Promise<void> {
  if (!statusLine) return;
  try {
    const [ready, meta] = await Promise.all([fetch('/readyz'), fetch('/v1/meta/resources')]);
    const resources = ((await meta.json()) as { data: unknown[] }).data.length;
    statusLine.textContent = ready.ok ? `Server ready — ${resources} resource type(s) registered.` : 'Server is starting or a migration is pending.';
  } catch {
    statusLine.textContent = 'The server cannot be reached.';
  }
}

void check();
