// Lints Dockerfiles without a Docker engine:
//  1. syntax and instruction/flag validation by dockerfile-utils (the linter of the VS Code Docker
//     language server);
//  2. IST policy on every final stage (a stage no other stage builds on or copies from): runs as a
//     non-root USER, has a HEALTHCHECK, an ENTRYPOINT or CMD, EXPOSEs its port, and sets
//     -XX:MaxRAMPercentage;
//  3. hygiene: FROM comes first (after ARGs), stage names are unique, COPY --from names an earlier
//     stage, `apt-get install` uses -y and --no-install-recommends and cleans its lists, and every
//     COPY source from the build context (the repository root) exists.
// Usage: node lint-dockerfiles.mjs <Dockerfile>...   (exit 1 on any finding)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { validate } from "dockerfile-utils";
import { DockerfileParser } from "dockerfile-ast";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let failures = 0;

function lint(file) {
  const text = fs.readFileSync(file, "utf8");
  const problems = [];
  const at = (instr) => instr.getRange().start.line + 1;

  for (const d of validate(text)) {
    if (d.severity === 1) problems.push(`line ${d.range.start.line + 1}: ${d.message}`);
  }

  const dockerfile = DockerfileParser.parse(text);
  const instructions = dockerfile.getInstructions();
  const firstNonArg = instructions.find((i) => i.getKeyword() !== "ARG");
  if (!firstNonArg || firstNonArg.getKeyword() !== "FROM") problems.push("the first instruction after ARGs must be FROM");

  // Split into stages.
  const stages = [];
  for (const instr of instructions) {
    const kw = instr.getKeyword();
    if (kw === "FROM") {
      const args = instr.getArguments().map((a) => a.getValue());
      const asIdx = args.findIndex((a) => a.toUpperCase() === "AS");
      const name = asIdx >= 0 ? args[asIdx + 1] : null;
      const image = args.find((a) => !a.startsWith("--"));
      stages.push({ name, image, line: at(instr), instrs: [] });
    } else if (stages.length) {
      stages[stages.length - 1].instrs.push(instr);
    }
  }
  const names = new Set();
  for (const s of stages) {
    if (s.name) {
      if (names.has(s.name.toLowerCase())) problems.push(`line ${s.line}: stage name ${s.name} used twice`);
      names.add(s.name.toLowerCase());
    }
  }
  const referenced = new Set();
  stages.forEach((s, idx) => {
    const earlier = new Set(stages.slice(0, idx).filter((x) => x.name).map((x) => x.name.toLowerCase()));
    if (earlier.has(s.image.toLowerCase())) referenced.add(s.image.toLowerCase());
    for (const instr of s.instrs) {
      const args = instr.getArguments().map((a) => a.getValue());
      const kw = instr.getKeyword();
      if (kw === "COPY" || kw === "ADD") {
        const fromFlag = (instr.getFlags ? instr.getFlags() : []).find((f) => f.getName() === "from");
        if (fromFlag) {
          const ref = String(fromFlag.getValue()).toLowerCase();
          if (earlier.has(ref)) referenced.add(ref);
          else if (!ref.includes(":") && !ref.includes("/")) problems.push(`line ${at(instr)}: COPY --from=${ref} names no earlier stage`);
        } else {
          const plain = args.filter((a) => !a.startsWith("--"));
          for (const src of plain.slice(0, -1)) {
            if (/^https?:/.test(src) || src.includes("$")) continue;
            const globless = src.replace(/\*.*$/, "");
            if (!fs.existsSync(path.join(repoRoot, globless))) problems.push(`line ${at(instr)}: COPY source ${src} does not exist in the build context (repo root)`);
          }
        }
      }
      if (kw === "RUN") {
        const body = args.join(" ");
        if (/apt-get\s+install/.test(body)) {
          if (!/apt-get\s+install[^&;|]*\s-y\b/.test(body) && !/apt-get\s+-y\s+install/.test(body)) problems.push(`line ${at(instr)}: apt-get install without -y`);
          if (!/--no-install-recommends/.test(body)) problems.push(`line ${at(instr)}: apt-get install without --no-install-recommends`);
          if (!/rm -rf \/var\/lib\/apt\/lists/.test(body)) problems.push(`line ${at(instr)}: apt lists not removed after apt-get install`);
        }
        if (/\bsudo\b/.test(body)) problems.push(`line ${at(instr)}: sudo in RUN`);
      }
    }
  });

  const finals = stages.filter((s) => !s.name || !referenced.has(s.name.toLowerCase()));
  if (!finals.length) problems.push("no final stage");
  for (const s of finals) {
    const label = `stage ${s.name ?? "(unnamed)"} (line ${s.line})`;
    const kws = (k) => s.instrs.filter((i) => i.getKeyword() === k);
    const users = kws("USER");
    const lastUser = users.length ? users[users.length - 1].getArguments().map((a) => a.getValue()).join(" ") : null;
    if (!lastUser) problems.push(`${label}: no USER (would run as root)`);
    else if (/^(root|0)(:|$)/.test(lastUser)) problems.push(`${label}: USER ${lastUser} is root`);
    const hc = kws("HEALTHCHECK");
    if (!hc.length) problems.push(`${label}: no HEALTHCHECK`);
    else if (/^\s*NONE\s*$/i.test(hc[hc.length - 1].getArguments().map((a) => a.getValue()).join(" "))) problems.push(`${label}: HEALTHCHECK NONE`);
    if (!kws("ENTRYPOINT").length && !kws("CMD").length) problems.push(`${label}: no ENTRYPOINT or CMD`);
    if (!kws("EXPOSE").length) problems.push(`${label}: no EXPOSE`);
    const envText = kws("ENV").map((i) => i.getArguments().map((a) => a.getValue()).join(" ")).join(" ");
    if (!/-XX:MaxRAMPercentage=\d+/.test(envText)) problems.push(`${label}: no -XX:MaxRAMPercentage in ENV (JAVA_TOOL_OPTIONS)`);
    for (const k of ["ENTRYPOINT", "CMD"]) {
      for (const i of kws(k)) {
        const content = text.split("\n")[at(i) - 1].replace(/^\s*\w+\s+/, "");
        if (content.trim().startsWith("[")) {
          try { JSON.parse(content); } catch { problems.push(`line ${at(i)}: ${k} exec form is not valid JSON`); }
        }
      }
    }
  }

  const rel = path.relative(process.cwd(), file);
  if (problems.length) {
    failures += problems.length;
    for (const p of problems) console.log(`FAIL ${rel}: ${p}`);
  } else {
    console.log(`ok   ${rel}: ${stages.length} stages, final: ${finals.map((s) => s.name ?? "(unnamed)").join(", ")}`);
  }
}

const files = process.argv.slice(2);
if (!files.length) { console.error("usage: lint-dockerfiles.mjs <Dockerfile>..."); process.exit(2); }
files.forEach(lint);
process.exit(failures ? 1 : 0);
