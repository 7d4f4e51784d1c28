import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { i18n } from './i18n/index.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// The reader's language arrives first (one chunk, docs/architecture.md), then the app renders in it.
void i18n.ready().then(() => mount(App, { target }));
