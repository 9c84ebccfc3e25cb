import { Component } from '@angular/core';

@Component({
  selector: 'app-home',
  template: `<h1>Home</h1>
    <p>Server-rendered, then hydrated.</p>`,
})
export class Home {}
