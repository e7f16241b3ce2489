from . import controllers, dispatcher, models, wizard
