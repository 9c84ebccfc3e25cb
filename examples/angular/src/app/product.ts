import { Component, inject, signal } from '@angular/core';
import { ActivatedRoute } from '@angular/router';
import { injectAddToCart } from './tracking';

@Component({
  selector: 'app-product',
  template: `
    <h1>Product {{ id }}</h1>
    <button id="add" (click)="add()">Add to cart</button>
    <p id="in-cart">In cart: {{ inCart() }}</p>
  `,
})
export class Product {
  readonly id = inject(ActivatedRoute).snapshot.paramMap.get('id') ?? '?';
  readonly inCart = signal(0);
  readonly #addToCart = injectAddToCart();

  add(): void {
    this.inCart.update((n) => n + 1);
    this.#addToCart(this.id);
  }
}
