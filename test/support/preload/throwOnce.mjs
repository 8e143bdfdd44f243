// Test preload: on SIGUSR2, throw from a timer (an uncaught exception).
process.on("SIGUSR2", () =>
  setTimeout(() => {
    throw new Error("test: an exception nobody caught");
  }, 0),
);
