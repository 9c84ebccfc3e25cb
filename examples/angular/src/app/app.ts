import { Component } from '@angular/core';
import { RouterLink, RouterOutlet } from '@angular/router';

@Component({
  selector: 'app-root',
  imports: [RouterOutlet, RouterLink],
  template: `
    <nav>
      <a routerLink="/" id="nav-home">Home</a>
      <a routerLink="/products/42" id="nav-product">Product 42</a>
      <a routerLink="/about" id="nav-about">About</a>
    </nav>
    <router-outlet />
  `,
})
export class App {}
