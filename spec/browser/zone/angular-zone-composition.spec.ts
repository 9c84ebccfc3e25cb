// rxplow/angular on zone.js without a tracker subclass (issue 17): the app's tracker is the composed web tracker; zone
// safety comes from the composition's seams (a scheduler outside the zone, the entry every call goes through).
import { collectorSession, initTestBed, stableWithin } from '../angular-support.js';
import { ApplicationRef, NgZone, provideZoneChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { expect } from 'chai';
import { filter, firstValueFrom, map, of } from 'rxjs';
import { createBrowserTracker } from '../../../src/browser/index.js';
import { structEvent } from '../../../src/events/structured.js';
import { provideTracker, TRACKER } from '../../../src/angular/index.js';
import type { DeliveryOutcome } from '../../../src/index.js';

describe('rxplow/angular with zone.js: a composed tracker, no subclass', function () {
  this.timeout(15_000);
  before(initTestBed);

  it('is the plain web tracker, and events fed to input from the zone start their request outside it', async () => {
    const collector = collectorSession('zone-input');
    TestBed.configureTestingModule({
      providers: [
        provideZoneChangeDetection(),
        provideTracker({ endpoint: collector.endpoint, storage: 'none', outbox: { storage: 'memory' }, emitter: { bufferSize: 1 } }),
      ],
    });
    const appRef = TestBed.inject(ApplicationRef);
    const zone = TestBed.inject(NgZone);
    const tracker = TestBed.inject(TRACKER);
    const plain = createBrowserTracker({ endpoint: collector.endpoint, storage: 'none', outbox: { storage: 'memory' } });
    expect(Object.getPrototypeOf(tracker), 'the same class as createBrowserTracker gives').to.equal(Object.getPrototypeOf(plain));
    await plain.shutdown({ timeoutMs: 0 });

    const sent = firstValueFrom(
      tracker.outcomes.pipe(
        filter((o: DeliveryOutcome) => o.kind === 'sent'),
        map(() => NgZone.isInAngularZone()),
      ),
    );
    zone.run(() => of(structEvent({ category: 'zone', action: 'input' })).subscribe(tracker.input));
    expect(await stableWithin(appRef, 2_000), 'isStable').to.equal(true);
    expect(await sent, 'the answer was handled in the Angular zone').to.equal(false);
  });
});
