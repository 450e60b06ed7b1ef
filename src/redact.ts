// API keys travel in query strings (`?api-key=`), so every URL or message that may reach a log, an
// error, a Temporal payload or an API response goes through here first.

const API_KEY_IN_TEXT = /((?:api[-_]?key|apikey|x-api-key)["']?\s*[=:]\s*["']?)[^&\s"'#,;}]+/gi;

/** Replaces the value of every `api-key=...` (and similar) with `***`. */
export function redactSecrets(text: string): string {
  return text.replace(API_KEY_IN_TEXT, '$1***');
}

/** Removes known secret values anywhere in `text`, then applies redactSecrets. */
export function redactKnownSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return redactSecrets(out);
}

/** A URL fit for logs: origin + path, with any api key in the query replaced by `***`. */
export function redactUrl(url: string | URL): string {
  try {
    const u = new URL(String(url));
    for (const name of [...u.searchParams.keys()]) {
      if (/^(api[-_]?key|apikey)$/i.test(name)) u.searchParams.set(name, '***');
    }
    return u.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    return redactSecrets(String(url));
  }
}
