import type { Routes } from '@angular/router';
import { About } from './about';
import { Home } from './home';
import { Product } from './product';

export const routes: Routes = [
  { path: '', component: Home, title: 'Home' },
  { path: 'products/:id', component: Product, title: 'Product' },
  { path: 'about', component: About, title: 'About' },
  { path: '**', redirectTo: '' },
];
