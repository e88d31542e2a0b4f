// The composition root of the firmware logic: the link machine (with its data path), the outbox and the
// downlink commands, wired on the ports. Pure (no Espruino globals), so the tests, the soak and the
// desktop sandbox run exactly what the bundle runs; firmware/main.ts only adds the Espruino ports. The
// configuration is the build-time global CFG (types/config-global.d.ts).

import { decode, encode, type CodecError, type DecodedCommand, type FieldValues, type InputValues } from "./aep/codec";
import { RESULT_BAD_RESPONSE, RESULT_HANDLER_FAILED } from "./aep/errors";
import { findService, SK_COMMAND, SK_REPORT, SK_RESPONSE, type Profile } from "./aep/profile";
import { EV_START, EV_UPLINK, START_WARM } from "./link/events";
import { Link, type DownlinkSink, type LinkOwner } from "./link/machine";
import { Ob, Outbox } from "./outbox/outbox";
import { LOG_ERROR, LOG_INFO, LOG_WARN, type Clock, type Log, type Pins, type Random, type Store, type Uart } from "./ports";

export interface DevicePorts {
  uart: Uart;
  clock: Clock;
  pins: Pins;
  log: Log;
  random: Random;
  store: Store;
}

export { RESULT_BAD_RESPONSE, RESULT_HANDLER_FAILED } from "./aep/errors";

/**
 * What the application hears: the link's state changes, deliveries and drops (LinkOwner, straight from
 * the link), and the commands the device decoded. Methods on one object: no closure per callback.
 */
export interface DeviceListener extends LinkOwner {
  /**
   * A command the profile knows, decoded: return the response's values (including `result`), or
   * undefined when the application has no handler for it (answered through the error response).
   */
  command(serviceId: number, values: FieldValues, taskId: number): InputValues | undefined;
}

export interface CommandStats {
  received: number;
  answered: number;
  answeredWithError: number;
  unanswerable: number;
  queueRefused: number;
}

export class Device implements DownlinkSink {
  readonly link: Link;
  readonly outbox: Outbox;
  /** Builds the profile on use: it is data, and kept in flash (not RAM) between uses. */
  private profile: () => Profile;
  private errorService: number;
  private listener: DeviceListener;
  /** Uplinks the application asked for that could not be queued (full + refuse-newest, bad values). */
  refused: number;
  commands: CommandStats;

  constructor(ports: DevicePorts, profile: () => Profile, errorServiceId: number, listener: DeviceListener) {
    this.profile = profile;
    this.errorService = errorServiceId;
    this.listener = listener;
    this.refused = 0;
    this.commands = { received: 0, answered: 0, answeredWithError: 0, unanswerable: 0, queueRefused: 0 };
    this.outbox = new Outbox(ports.store, { flashBytes: CFG.outbox.flashBytes, policy: CFG.outbox.fullPolicy === "refuse-newest" ? "refuse-newest" : "drop-oldest" });
    const recovered = this.outbox.load();
    this.link = new Link(ports, listener, this, this.outbox);
    if (recovered > 0) this.link.log(LOG_INFO, "outbox: " + recovered + " uplink(s) kept through the restart", "data");
  }

  /** Start the link; `warm` after our own deep sleep (with the rssi seen before it, -1 unknown). */
  start(warm: boolean, rssi: number): void {
    this.link.post(EV_START, 0, warm ? START_WARM : 0, rssi, -1, -1, "");
  }


  /** Encode and queue a report or event; returns its sequence number, or -1 when it was not queued. */
  send(serviceId: number, values: InputValues): number {
    const r = encode(this.profile(), serviceId, SK_REPORT, 0, values);
    if (r.err !== undefined) {
      this.refused++;
      this.link.log(LOG_ERROR, "uplink for service " + serviceId + " not encoded: " + r.msg, "data");
      return -1;
    }
    const seq = this.outbox.nextSeq();
    return this.queue(r.hex, r.mode, Ob.PRIO_NORMAL, serviceId) ? seq : -1;
  }

  /**
   * A downlink: decode it, let the application answer, and queue the 0x86 response with the same task
   * id ahead of reports. Every command gets an answer, so the platform's task never hangs: an unknown
   * service, a malformed payload or a failing handler is answered through the error response with a
   * non-zero result. Only a frame whose header cannot be read goes unanswered (no task id), counted.
   */
  linkDownlink(hex: string): void {
    const st = this.commands;
    st.received++;
    const profile = this.profile();
    const d = decode(profile, hex, SK_COMMAND) as DecodedCommand | CodecError;
    let result = 0;
    let out: InputValues | undefined;
    let rsp = -1;
    if (d.err !== undefined) {
      if (d.taskId === undefined || d.serviceId === undefined) {
        st.unanswerable++;
        this.link.log(LOG_INFO, "downlink unreadable, no task id to answer: " + d.msg, "data");
        return;
      }
      this.link.log(LOG_INFO, "command " + d.serviceId + " task " + d.taskId + " refused: " + d.msg, "data");
      result = d.err;
    } else {
      const s = findService(profile, d.serviceId);
      rsp = s && s.response !== undefined ? s.response : -1;
      try {
        out = rsp >= 0 ? this.listener.command(d.serviceId, d.values, d.taskId) : undefined;
        if (out === undefined) {
          this.link.log(LOG_INFO, "command " + d.serviceId + " (" + d.service + ") has no handler", "data");
          result = 1;
        }
      } catch (e) {
        this.link.log(LOG_INFO, "command " + d.service + " handler failed: " + (e && (e as Error).message ? (e as Error).message : String(e)), "data");
        result = RESULT_HANDLER_FAILED;
        out = undefined;
      }
    }
    const taskId = d.taskId as number;
    let r = out !== undefined ? encode(profile, rsp, SK_RESPONSE, taskId, out) : undefined;
    if (r !== undefined && r.err !== undefined) {
      this.link.log(LOG_INFO, "command " + (d as { service: string }).service + " response does not encode: " + r.msg, "data");
      result = RESULT_BAD_RESPONSE;
      r = undefined;
    }
    if (r === undefined) r = encode(profile, this.errorService, SK_RESPONSE, taskId, { result: result, commandServiceId: d.serviceId });
    else result = typeof (out as InputValues).result === "number" ? ((out as InputValues).result as number) : 0;
    if (r.err !== undefined) {
      st.unanswerable++;
      this.link.log(LOG_INFO, "error response does not encode: " + r.msg, "data");
      return;
    }
    if (!this.queue(r.hex, r.mode, Ob.PRIO_RESPONSE, -1)) {
      st.queueRefused++;
      this.link.log(LOG_INFO, "response could not be queued", "data");
      return;
    }
    st.answered++;
    if (result !== 0) st.answeredWithError++;
    if (out !== undefined && rsp >= 0 && d.err === undefined) this.link.log(LOG_INFO, "command " + d.service + " task " + taskId + " answered, result " + result, "data");
  }

  private queue(hex: string, mode: number, prio: number, serviceId: number): boolean {
    const seq = this.outbox.nextSeq();
    const r = this.outbox.push(hex, mode, prio);
    if (r === Ob.REFUSED || r === Ob.STORE_FAILED) {
      // Nothing is kept in RAM: an uplink that is not in flash is not queued.
      this.refused++;
      this.link.log(LOG_WARN, r === Ob.REFUSED ? "outbox refused an uplink (full and refuse-newest, or bad values)" : "outbox: flash write failed; uplink not queued", "data");
      return false;
    }
    if (r === Ob.DROPPED_OLDEST) this.link.log(LOG_WARN, "outbox full: dropped its oldest report", "data");
    this.link.log(LOG_INFO, (prio === Ob.PRIO_RESPONSE ? "response" : "uplink") + " #" + seq + " queued" + (serviceId >= 0 ? " (service " + serviceId + ")" : "") + ", " + this.outbox.size() + " waiting", "data");
    this.link.post(EV_UPLINK, 0, 0, 0, -1, -1, "");
    return true;
  }
}
