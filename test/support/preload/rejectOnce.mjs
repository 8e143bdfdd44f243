// Test preload: on SIGUSR2, reject a promise nobody awaits (an unhandled rejection).
process.on("SIGUSR2", () => void Promise.reject(new Error("test: a rejection nobody handled")));
