package io.regulator.journal;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The journal on its default store: an H2 file in the data dir. */
class H2JournalTest extends JournalContract {

  @TempDir Path tmp;
  private int stores;

  @Override
  protected JournalSettings emptyStore(String journalHocon) {
    return settings(journalHocon, tmp.resolve("data-" + ++stores));
  }
}
