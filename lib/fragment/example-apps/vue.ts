// Vue example: no packages beyond the template's own (vue).

export const POMODORO_VUE = `<script setup lang="ts">
import { computed, onBeforeUnmount, ref } from "vue";

type Mode = "focus" | "short" | "long";
const MODES: Record<Mode, { label: string; minutes: number; color: string }> = {
  focus: { label: "Focus", minutes: 25, color: "#e85d4f" },
  short: { label: "Short break", minutes: 5, color: "#3aa17e" },
  long: { label: "Long break", minutes: 15, color: "#4a78c9" },
};

const mode = ref<Mode>("focus");
const left = ref(MODES.focus.minutes * 60);
const running = ref(false);
const sessions = ref(0);
let timer: number | undefined;

const total = computed(() => MODES[mode.value].minutes * 60);
const clock = computed(() => {
  const m = Math.floor(left.value / 60);
  const s = left.value % 60;
  return String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
});
const RADIUS = 110;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;
const dash = computed(() => CIRCUMFERENCE * (1 - left.value / total.value));

function stop() {
  running.value = false;
  window.clearInterval(timer);
}

function tick() {
  if (left.value > 0) {
    left.value -= 1;
    return;
  }
  stop();
  if (mode.value === "focus") {
    sessions.value += 1;
    choose(sessions.value % 4 === 0 ? "long" : "short");
  } else {
    choose("focus");
  }
}

function toggle() {
  if (running.value) return stop();
  running.value = true;
  timer = window.setInterval(tick, 1000);
}

function choose(next: Mode) {
  stop();
  mode.value = next;
  left.value = MODES[next].minutes * 60;
}

onBeforeUnmount(stop);
</script>

<template>
  <main class="page" :style="{ '--accent': MODES[mode].color }">
    <section class="card">
      <nav class="modes">
        <button v-for="(m, key) in MODES" :key="key" :class="{ active: key === mode }" @click="choose(key as Mode)">
          {{ m.label }}
        </button>
      </nav>

      <div class="dial">
        <svg viewBox="0 0 260 260" aria-hidden="true">
          <circle cx="130" cy="130" :r="RADIUS" class="track" />
          <circle cx="130" cy="130" :r="RADIUS" class="progress" :stroke-dasharray="CIRCUMFERENCE" :stroke-dashoffset="dash" />
        </svg>
        <div class="time">
          <span class="clock">{{ clock }}</span>
          <span class="label">{{ MODES[mode].label }}</span>
        </div>
      </div>

      <div class="actions">
        <button class="primary" @click="toggle">{{ running ? "Pause" : "Start" }}</button>
        <button class="ghost" @click="choose(mode)">Reset</button>
      </div>

      <p class="sessions">
        <span v-for="n in 4" :key="n" class="dot" :class="{ filled: n <= sessions % 4 || (sessions > 0 && sessions % 4 === 0) }" />
        {{ sessions }} focus session{{ sessions === 1 ? "" : "s" }} done
      </p>
    </section>
  </main>
</template>

<style>
body {
  margin: 0;
}
</style>

<style scoped>
.page {
  min-height: 100vh;
  display: grid;
  place-items: center;
  background: color-mix(in srgb, var(--accent) 85%, black);
  font-family: system-ui, sans-serif;
  transition: background 0.4s;
}
.card {
  width: min(92vw, 380px);
  padding: 28px;
  border-radius: 24px;
  background: rgb(255 255 255 / 0.12);
  color: white;
  text-align: center;
  box-shadow: 0 20px 50px rgb(0 0 0 / 0.25);
}
.modes {
  display: flex;
  gap: 6px;
  justify-content: center;
}
.modes button {
  border: 0;
  border-radius: 999px;
  padding: 6px 12px;
  background: transparent;
  color: rgb(255 255 255 / 0.8);
  cursor: pointer;
  font-size: 14px;
}
.modes button.active {
  background: rgb(255 255 255 / 0.22);
  color: white;
  font-weight: 600;
}
.dial {
  position: relative;
  margin: 20px auto;
  width: 260px;
  height: 260px;
}
svg {
  transform: rotate(-90deg);
}
circle {
  fill: none;
  stroke-width: 12;
}
.track {
  stroke: rgb(255 255 255 / 0.15);
}
.progress {
  stroke: white;
  stroke-linecap: round;
  transition: stroke-dashoffset 0.9s linear;
}
.time {
  position: absolute;
  inset: 0;
  display: flex;
  flex-direction: column;
  justify-content: center;
}
.clock {
  font-size: 56px;
  font-weight: 700;
  font-variant-numeric: tabular-nums;
}
.label {
  opacity: 0.8;
}
.actions {
  display: flex;
  gap: 10px;
  justify-content: center;
}
.actions button {
  border-radius: 12px;
  padding: 12px 28px;
  font-size: 18px;
  font-weight: 600;
  cursor: pointer;
}
.primary {
  border: 0;
  background: white;
  color: var(--accent);
}
.ghost {
  border: 2px solid rgb(255 255 255 / 0.5);
  background: transparent;
  color: white;
}
.sessions {
  margin-top: 20px;
  font-size: 14px;
  opacity: 0.9;
}
.dot {
  display: inline-block;
  width: 10px;
  height: 10px;
  margin-right: 4px;
  border-radius: 50%;
  border: 2px solid white;
}
.dot.filled {
  background: white;
}
</style>
`;
