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

/**
 * Query parameters whose value is a credential, by name (decoded, any case): `api-key`, `api_key`,
 * `apikey`, `x-api-key`, `key`, `token`, `access_token`, `authorization`, …
 */
const SECRET_PARAM = /^(?:x[-_]?)?(?:api[-_]?)?key$|^(?:access[-_]?|auth[-_]?|api[-_]?)?token$|^(?:authorization|bearer|secret|password)$/i;

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/**
 * A URL or a request's target (path and query, as its request line carries it: `/v1/…?api-key=…`)
 * fit for logs: the value of every query parameter named as a credential, however its name is cased or
 * percent-encoded, replaced by `***`. The API reads keys from headers only, but a client may put
 * one in the URL all the same.
 */
export function redactRequestUrl(target: string): string {
  const q = target.indexOf('?');
  if (q < 0) return redactSecrets(target);
  const pairs = target
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq >= 0 && SECRET_PARAM.test(decodedName(pair.slice(0, eq))) ? `${pair.slice(0, eq)}=***` : pair;
    });
  return redactSecrets(`${target.slice(0, q)}?${pairs.join('&')}`);
}
