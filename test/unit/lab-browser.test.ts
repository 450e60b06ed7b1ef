// The Lab's browser tests and benchmark need Debian's chromium: without it they stop at once with a
// message that says how to install it, instead of a playwright stack trace.
import { launchChromium } from '../harness/browser';

describe('launchChromium', () => {
  it('refuses a missing browser with the command that installs it', async () => {
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(
      "the Lab's browser tests need Debian's chromium at /nonexistent/chromium, which is missing: install it with 'sudo apt-get update && sudo apt-get install -y chromium' (.ci/run does this)",
    );
  });
});
