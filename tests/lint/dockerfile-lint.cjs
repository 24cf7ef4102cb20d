// Lints a Dockerfile with dockerfile-utils' validate() (the VS Code Docker extension's linter), then checks the
// rules this project holds its image to. Prints one line per problem; exits 1 on any error or warning.
// Usage: node dockerfile-lint.cjs <node_modules dir> <Dockerfile>
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, file] = process.argv.slice(2);
const utils = require(path.join(modules, 'dockerfile-utils'));
const ast = require(path.join(modules, 'dockerfile-ast'));

const content = fs.readFileSync(file, 'utf8');
const problems = [];

// LSP severities: 1 error, 2 warning, 3 information, 4 hint. Errors and warnings both fail.
for (const d of utils.validate(content, {})) {
  if (d.severity <= 2) {
    const kind = d.severity === 1 ? 'error' : 'warning';
    problems.push(`${file}:${d.range.start.line + 1}: ${kind}: ${d.message} (dockerfile-utils code ${d.code})`);
  }
}

// Project rules for the runtime (last) stage; see architecture.md "Docs and Docker".
const dockerfile = ast.DockerfileParser.parse(content);
const instructions = dockerfile.getInstructions();
const froms = instructions.filter(i => i.getKeyword() === 'FROM');
const lastFrom = froms.length ? froms[froms.length - 1] : undefined;
const runtime = lastFrom ? instructions.filter(i => i.getRange().start.line > lastFrom.getRange().start.line) : [];
const line = i => i.getRange().start.line + 1;
const text = i => content.split('\n').slice(i.getRange().start.line, i.getRange().end.line + 1).join(' ');

if (froms.length < 2) {
  problems.push(`${file}: error: expected a multi-stage build (SDK stage, then runtime stage)`);
}
const users = runtime.filter(i => i.getKeyword() === 'USER');
if (users.length === 0) {
  problems.push(`${file}: error: the runtime stage sets no USER (the app must not run as root)`);
} else if (/^\s*USER\s+(root|0)(\s|:|$)/i.test(text(users[users.length - 1]))) {
  problems.push(`${file}:${line(users[users.length - 1])}: error: the runtime stage runs as root`);
}
const healthchecks = runtime.filter(i => i.getKeyword() === 'HEALTHCHECK');
if (healthchecks.length !== 1) {
  problems.push(`${file}: error: the runtime stage needs exactly one HEALTHCHECK`);
} else if (!/\bCMD\s+\[/i.test(text(healthchecks[0]))) {
  problems.push(`${file}:${line(healthchecks[0])}: error: HEALTHCHECK must use exec form (a chiseled image has no shell)`);
}
for (const i of instructions) {
  if (/\b(curl|wget)\b/.test(text(i)) && ['RUN', 'HEALTHCHECK', 'CMD', 'ENTRYPOINT'].includes(i.getKeyword())) {
    problems.push(`${file}:${line(i)}: error: no curl/wget: the app checks its own health (\`healthcheck\` command)`);
  }
}
for (const key of ['VOLUME', 'EXPOSE', 'ENTRYPOINT']) {
  if (!runtime.some(i => i.getKeyword() === key)) {
    problems.push(`${file}: error: the runtime stage has no ${key}`);
  }
}

for (const p of problems) {
  console.log(p);
}
process.exit(problems.length ? 1 : 0);
