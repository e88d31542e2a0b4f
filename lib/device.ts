// The composition root of the firmware logic: the link machine, the outbox, the uplink sender and the
// command dispatcher, wired on the ports. Pure (no Espruino globals), so the tests, the soak and the
// desktop sandbox run exactly what the bundle runs; firmware/main.ts only adds the Espruino ports.

import { encodeUplink, type InputValues } from "./aep/codec";
import { CommandDispatcher, type CommandHandler } from "./aep/commands";
import type { Profile } from "./aep/profile";
import { Uplink } from "./aep/uplink";
import type { FirmwareConfig } from "./config";
import { EV_REBOOT_MODULE, EV_STOP, EV_UPLINK } from "./link/events";
import type { Link } from "./link/machine";
import { S_READY } from "./link/states";
import { createLink } from "./link/table";
import type { LinkConfig, LinkListener } from "./link/types";
import { Outbox, OB_DROPPED_OLDEST, OB_OK, OB_REFUSED, OB_STORE_FAILED, PRIO_NORMAL, PRIO_RESPONSE } from "./outbox/outbox";
import { LOG_ERROR, LOG_INFO, LOG_WARN, type Clock, type Log, type Pins, type Random, type Store, type Uart } from "./ports";

export interface DevicePorts {
  uart: Uart;
  clock: Clock;
  pins: Pins;
  log: Log;
  random: Random;
  store: Store;
}

/** What the application hears from the device. */
export interface DeviceListener {
  onStateChange?(from: number, to: number, reason: string): void;
  onDelivered?(seq: number): void;
  onDropped?(seq: number, why: string): void;
}

export function linkConfigFrom(cfg: FirmwareConfig): LinkConfig {
  return {
    apn: cfg.network.apn,
    attachTimeoutS: cfg.network.attachTimeoutS,
    readyTimeoutS: cfg.modem.readyTimeoutS,
    psm: cfg.network.psm,
    init: cfg.aep,
    bindingMode: cfg.aep.bindingMode,
    hasPwrkey: cfg.modem.pwrkeyPin !== null,
    hasStatus: cfg.modem.statusPin !== null,
    baud: cfg.modem.baud,
  };
}

export class Device {
  readonly link: Link;
  readonly outbox: Outbox;
  readonly uplink: Uplink;
  readonly commands: CommandDispatcher;
  readonly profile: Profile;
  private ports: DevicePorts;
  private listener: DeviceListener;
  /** Uplinks the application asked for that could not be queued (full + refuse-newest, bad values). */
  refused: number;

  constructor(ports: DevicePorts, cfg: FirmwareConfig, profile: Profile, errorServiceId: number, listener: DeviceListener) {
    const self = this;
    this.ports = ports;
    this.profile = profile;
    this.listener = listener;
    this.refused = 0;
    this.outbox = new Outbox(ports.store, { flashBytes: cfg.outbox.flashBytes, policy: cfg.outbox.fullPolicy === "refuse-newest" ? "refuse-newest" : "drop-oldest" });
    const recovered = this.outbox.load();
    const linkListener: LinkListener = {
      onStateChange: function (from, to, reason) {
        if (self.listener.onStateChange) self.listener.onStateChange(from, to, reason);
      },
      onDownlink: function (hex) {
        self.commands.handle(hex);
      },
    };
    this.link = createLink({ uart: ports.uart, clock: ports.clock, pins: ports.pins, log: ports.log, random: ports.random }, linkConfigFrom(cfg), linkListener);
    this.uplink = new Uplink(
      this.outbox,
      {
        onDelivered: function (seq) {
          if (self.listener.onDelivered) self.listener.onDelivered(seq);
        },
        onDropped: function (seq, why) {
          if (self.listener.onDropped) self.listener.onDropped(seq, why);
        },
      },
      cfg.outbox.confirmTimeoutS * 1000,
    );
    this.link.dataPath = this.uplink;
    this.commands = new CommandDispatcher(
      profile,
      errorServiceId,
      function (hex, mode) {
        return self.queue(hex, mode, PRIO_RESPONSE, -1);
      },
      function (text) {
        self.log(LOG_INFO, text);
      },
    );
    if (recovered > 0) this.log(LOG_INFO, "outbox: " + recovered + " uplink(s) kept through the restart");
  }

  start(): void {
    this.link.start();
  }

  /** Deregister and power the module off. */
  stop(): void {
    this.link.post(EV_STOP, 0, 0, 0, 0, "");
  }

  /** Deregister, power-cycle the module and bring the session up again. */
  rebootModule(): void {
    this.link.post(EV_REBOOT_MODULE, 0, 0, 0, 0, "");
  }

  /** Characters from the module's UART. */
  feed(chunk: string): void {
    this.link.at.feed(chunk);
  }

  /** The sequence number the next uplink will carry (put it in the report so duplicates are spotted). */
  nextSeq(): number {
    return this.outbox.nextSeq();
  }

  /** Encode and queue a report or event; returns its sequence number, or -1 when it was not queued. */
  send(serviceId: number, values: InputValues): number {
    const r = encodeUplink(this.profile, serviceId, values);
    if (r.err !== undefined) {
      this.refused++;
      this.log(LOG_ERROR, "uplink for service " + serviceId + " not encoded: " + r.msg);
      return -1;
    }
    const seq = this.outbox.nextSeq();
    return this.queue(r.hex, r.mode, PRIO_NORMAL, serviceId) ? seq : -1;
  }

  /** Register a command handler answering with response service `responseId`. */
  onCommand(commandId: number, responseId: number, handler: CommandHandler): void {
    this.commands.on(commandId, responseId, handler);
  }

  isReady(): boolean {
    return this.link.state === S_READY;
  }

  /** Nothing queued, nothing on its way, no command in flight: a good moment to sleep. */
  idle(): boolean {
    return this.link.state === S_READY && this.outbox.size() === 0 && !this.uplink.busy() && !this.link.at.busy();
  }

  private queue(hex: string, mode: number, prio: number, serviceId: number): boolean {
    const seqBefore = this.outbox.nextSeq();
    const r = this.outbox.push(hex, mode, prio);
    if (r === OB_REFUSED) {
      this.refused++;
      this.log(LOG_WARN, "outbox refused an uplink (full, policy refuse-newest, or flash full)");
      return false;
    }
    if (r === OB_DROPPED_OLDEST) this.log(LOG_WARN, "outbox full: dropped its oldest report");
    if (r === OB_STORE_FAILED) this.log(LOG_WARN, "outbox: flash write failed; uplink kept in RAM only");
    if (r === OB_OK || r === OB_DROPPED_OLDEST || r === OB_STORE_FAILED) {
      this.log(LOG_INFO, (prio === PRIO_RESPONSE ? "response" : "uplink") + " #" + seqBefore + " queued" + (serviceId >= 0 ? " (service " + serviceId + ")" : "") + ", " + this.outbox.size() + " waiting");
    }
    this.link.post(EV_UPLINK, 0, 0, 0, 0, "");
    return true;
  }

  private log(level: number, text: string): void {
    if (level <= this.ports.log.level) this.ports.log.write(level, "data", text);
  }
}
