// Firmware configuration, baked into dist/firmware.js by `npm run build`. Every key, its default and
// its allowed range: README.md, "Configuration reference" (generated from lib/config.ts).
// Build with another file: `npm run build -- --config my-device.json` (same shape, JSON or a JS module).
export default {
  modem: {
    serial: "Serial2",
    baud: 115200,
    serialOptions: { rx: "D16", tx: "D17" },
    pwrkeyPin: null, // e.g. "D4" when PWRKEY is wired through a transistor
    statusPin: null, // e.g. "D5" when STATUS is wired
  },
  network: {
    apn: "ctnb",
    psm: { enabled: false, tauS: 86400, activeS: 60 },
  },
  aep: {
    server: "221.229.214.202",
    port: 5683,
    lifetimeS: 86400,
    autoTau: 0,
    security: 0,
    pskId: "",
    psk: process.env.AEP_PSK || "", // never commit a PSK: export AEP_PSK before building
    bindingMode: -1,
  },
  app: { reportIntervalS: 300 },
  outbox: { flashBytes: 81920, fullPolicy: "drop-oldest" },
  log: { level: 2 },
};
