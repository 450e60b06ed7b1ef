// Exits 0 when node_modules holds exactly what package-lock.json pins, 1 (naming the first
// difference on stderr) when it is missing or differs. It compares the lock file with the one npm
// keeps of what it installed (node_modules/.package-lock.json). A locked optional package may be
// absent: it is for another platform.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const read = (file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')).packages;

function difference() {
  if (!fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) return 'node_modules is missing';
  const locked = read('package-lock.json');
  const installed = read('node_modules/.package-lock.json');
  for (const [name, entry] of Object.entries(locked)) {
    if (name === '') continue;
    const have = installed[name];
    if (!have) {
      if (entry.optional || entry.devOptional) continue;
      return `${name} is not installed`;
    }
    if (have.version !== entry.version) return `${name} is ${have.version}, package-lock.json pins ${entry.version}`;
  }
  for (const name of Object.keys(installed)) if (!locked[name]) return `${name} is installed but not in package-lock.json`;
  return null;
}

const why = difference();
if (why) {
  console.error(`node_modules is out of date: ${why}`);
  process.exit(1);
}
