import { Component } from '@angular/core';

@Component({
  selector: 'app-about',
  template: `<h1>About</h1>
    <button id="fail" (click)="fail()">Report a bug</button>`,
})
export class About {
  fail(): void {
    throw new Error('example failure');
  }
}
