// AT sequences as data: a script is a list of steps (command, what it expects, when to skip it, how to
// read the answer). The state that runs a script owns its commands; the runner only walks the list.

import type { AtSpec } from "../at/engine";
import { AT_OK } from "../at/result";
import type { Link } from "./machine";

/** Read the answer: go on with the script, or fail it. */
export const STEP_NEXT = 0;
export const STEP_FAIL = 1;

export const SCRIPT_RUNNING = 0;
export const SCRIPT_DONE = 1;
export const SCRIPT_FAILED = 2;

/** The command id every script step uses; the step index lives in Link.step. */
export const CMD_SCRIPT = 200;

export interface Step {
  /** The command, or a builder for commands that carry parameters. */
  cmd: string | ((m: Link) => string);
  spec: AtSpec;
  /** Skip the step unless this holds. */
  when?: (m: Link) => boolean;
  /** Read the answer (any code). Without it: OK goes on, anything else fails the script. */
  done?: (m: Link, code: number, errNo: number, line: string) => number;
}

function sendStep(m: Link, steps: Step[]): number {
  while (m.step < steps.length) {
    const st = steps[m.step];
    if (!st.when || st.when(m)) {
      const text = typeof st.cmd === "string" ? st.cmd : st.cmd(m);
      return m.send(text, st.spec, CMD_SCRIPT) ? SCRIPT_RUNNING : SCRIPT_FAILED;
    }
    m.step++;
  }
  return SCRIPT_DONE;
}

/** Start a script from its first step. */
export function scriptStart(m: Link, steps: Step[]): number {
  m.step = 0;
  return sendStep(m, steps);
}

/** Feed the result of the current step; returns SCRIPT_RUNNING, SCRIPT_DONE or SCRIPT_FAILED. */
export function scriptResult(m: Link, steps: Step[], code: number, errNo: number, line: string): number {
  const st = steps[m.step];
  if (!st) return SCRIPT_FAILED;
  const verdict = st.done ? st.done(m, code, errNo, line) : code === AT_OK ? STEP_NEXT : STEP_FAIL;
  if (verdict === STEP_FAIL) return SCRIPT_FAILED;
  m.step++;
  return sendStep(m, steps);
}

/** The text of the step that just ran, for failure messages. */
export function stepName(m: Link, steps: Step[]): string {
  const st = steps[m.step];
  if (!st) return "?";
  return typeof st.cmd === "string" ? st.cmd : "step " + m.step;
}
