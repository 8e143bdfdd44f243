// Test preload: this process's clock is off by SKEW_MS milliseconds (a host with a wrong clock).
const skew = Number(process.env.SKEW_MS ?? 0);
const realNow = Date.now.bind(Date);
Date.now = () => realNow() + skew;
