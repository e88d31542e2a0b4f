// Downlink commands: decode +CTM2MRECV hex, call the handler registered for its service, and queue the
// 0x86 response with the same task id. Every command gets an answer, so the platform's task never
// hangs: an unknown service, a malformed payload or a failing handler is answered through the error
// response service with a non-zero result. Only a frame whose header cannot be read goes unanswered
// (there is no task id to answer), and that is counted.

import { decodeCommand, encodeResponse, type FieldValues, type InputValues } from "./codec";
import type { Profile } from "./profile";

/** Result codes in the error response besides the codec's E_* numbers (1..13). */
export const RESULT_HANDLER_FAILED = 100;
export const RESULT_BAD_RESPONSE = 101;

/** Handler: the command's values in, the response's values out (including `result`). */
export type CommandHandler = (values: FieldValues, taskId: number) => InputValues;

export interface CommandStats {
  received: number;
  answered: number;
  answeredWithError: number;
  unanswerable: number;
  queueRefused: number;
}

/** Queue a response frame ahead of reports; false when it could not be queued. */
export type ResponseSink = (hex: string, mode: number) => boolean;

export class CommandDispatcher {
  private profile: Profile;
  private errorService: number;
  private sink: ResponseSink;
  private cmdIds: number[];
  private rspIds: number[];
  private handlers: CommandHandler[];
  private onLog: (text: string) => void;
  stats: CommandStats;

  constructor(profile: Profile, errorServiceId: number, sink: ResponseSink, onLog: (text: string) => void) {
    this.profile = profile;
    this.errorService = errorServiceId;
    this.sink = sink;
    this.onLog = onLog;
    this.cmdIds = [];
    this.rspIds = [];
    this.handlers = [];
    this.stats = { received: 0, answered: 0, answeredWithError: 0, unanswerable: 0, queueRefused: 0 };
  }

  /** Answer command service `commandId` with response service `responseId` from `handler`. */
  on(commandId: number, responseId: number, handler: CommandHandler): void {
    this.cmdIds.push(commandId);
    this.rspIds.push(responseId);
    this.handlers.push(handler);
  }

  /** Handle one downlink; returns the result code sent back, or -1 when it could not be answered. */
  handle(hex: string): number {
    this.stats.received++;
    const d = decodeCommand(this.profile, hex);
    if (d.err !== undefined) {
      if (d.taskId === undefined || d.serviceId === undefined) {
        this.stats.unanswerable++;
        this.onLog("downlink unreadable, no task id to answer: " + d.msg);
        return -1;
      }
      this.onLog("command " + d.serviceId + " task " + d.taskId + " refused: " + d.msg);
      return this.answerError(d.serviceId, d.taskId, d.err);
    }
    const i = this.cmdIds.indexOf(d.serviceId);
    if (i < 0) {
      this.onLog("command " + d.serviceId + " (" + d.service + ") has no handler");
      return this.answerError(d.serviceId, d.taskId, 1);
    }
    let out: InputValues;
    try {
      out = this.handlers[i](d.values, d.taskId);
    } catch (e) {
      this.onLog("command " + d.service + " handler failed: " + (e && (e as Error).message ? (e as Error).message : String(e)));
      return this.answerError(d.serviceId, d.taskId, RESULT_HANDLER_FAILED);
    }
    const r = encodeResponse(this.profile, this.rspIds[i], d.taskId, out);
    if (r.err !== undefined) {
      this.onLog("command " + d.service + " response does not encode: " + r.msg);
      return this.answerError(d.serviceId, d.taskId, RESULT_BAD_RESPONSE);
    }
    const result = typeof out.result === "number" ? out.result : 0;
    this.queue(r.hex, r.mode, result !== 0);
    this.onLog("command " + d.service + " task " + d.taskId + " answered, result " + result);
    return result;
  }

  private answerError(serviceId: number, taskId: number, code: number): number {
    const r = encodeResponse(this.profile, this.errorService, taskId, { result: code, commandServiceId: serviceId });
    if (r.err !== undefined) {
      this.stats.unanswerable++;
      this.onLog("error response does not encode: " + r.msg);
      return -1;
    }
    this.queue(r.hex, r.mode, true);
    return code;
  }

  private queue(hex: string, mode: number, isError: boolean): void {
    if (!this.sink(hex, mode)) {
      this.stats.queueRefused++;
      this.onLog("response could not be queued");
      return;
    }
    this.stats.answered++;
    if (isError) this.stats.answeredWithError++;
  }
}
