import { render } from 'preact';
import { App } from './app.js';
// The NL Design System's component CSS (the package's main file) before our theme and layout.
import '@utrecht/component-library-css';
import './styles.css';

const root = document.getElementById('console')!;
root.textContent = ''; // the loading message
render(<App />, root);
