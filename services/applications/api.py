"""Applications for services editors publish (敬老卡, 助餐, ...): every channel calls here."""
